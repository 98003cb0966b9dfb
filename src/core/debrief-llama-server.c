/* debrief-llama-server.c: the llama-server Debrief runs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The flags are llama.cpp's own (common/arg.cpp): -m, --lora with a
 * comma-separated row of files, --lora-init-without-apply (no adapter unless
 * a request asks for it), --host, --port, -c. /health answers 503 while the
 * model loads and 200 once it can serve.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <libsoup/soup.h>

#include "debrief-error.h"
#include "debrief-llama-server.h"
#include "debrief-llama-server-private.h"
#include "debrief-serve.h"

#define HEALTH_INTERVAL_MS 200
#define STOP_GRACE_S 5
/* A port taken between our probe and the server's bind: try another, this often. */
#define MAX_PORT_ATTEMPTS 3
/* Each slot's context: a prompt and a 512-token answer with room to spare, small
 * enough for a laptop. */
#define SLOT_CONTEXT 2048
#define LOG_TAIL_LINES 15

struct _DebriefLlamaServer
{
  GObject parent_instance;

  char *binary;
  char *model;
  GStrv adapters;
  GStrv extra_args;
  guint startup_timeout_s;
  guint parallel;

  GSubprocess *process;
  GCancellable *io_cancellable;   /* the log reader and the exit watch of this process */
  guint16 port;
  char *base_url;
  gboolean running;
  GString *log;
  SoupSession *session;

  GMainContext *context;
  GTask *start_task;              /* while starting */
  GSource *cancel_source;         /* the start's cancellable, on our context */
  guint attempts;
  gint64 deadline_us;
  guint health_source;
  guint kill_source;
};

G_DEFINE_FINAL_TYPE (DebriefLlamaServer, debrief_llama_server, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RUNNING,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_LOG,
  SIGNAL_EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void spawn_attempt (DebriefLlamaServer *self);

gboolean
debrief_llama_server_in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

char *
debrief_llama_server_find (GError **error)
{
  const char *env = g_getenv ("DEBRIEF_LLAMA_SERVER");
  char *path;

  if (env != NULL && env[0] != '\0')
    {
      /* Inside Flatpak the path is the host's: it cannot be checked from here. */
      if (debrief_llama_server_in_flatpak () || g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (env);
      g_set_error (error, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO,
                   _("DEBRIEF_LLAMA_SERVER is %s, which is not a program that can be run"), env);
      return NULL;
    }
  if (debrief_llama_server_in_flatpak ())
    return g_strdup ("llama-server");
  path = g_find_program_in_path ("llama-server");
  if (path == NULL)
    g_set_error_literal (error, DEBRIEF_ERROR, DEBRIEF_ERROR_MISSING_INFO,
                         _("llama-server is not installed (not on the PATH): install llama.cpp, or set "
                           "DEBRIEF_LLAMA_SERVER to the llama-server program"));
  return path;
}

static void
set_running (DebriefLlamaServer *self,
             gboolean            running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
set_base_url (DebriefLlamaServer *self,
              const char         *url)
{
  if (g_strcmp0 (self->base_url, url) == 0)
    return;
  g_free (self->base_url);
  self->base_url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

static void
append_log (DebriefLlamaServer *self,
            const char         *line)
{
  g_string_append (self->log, line);
  g_string_append_c (self->log, '\n');
  if (self->log->len > DEBRIEF_LLAMA_SERVER_MAX_LOG)
    {
      /* Drop the oldest half, at a line boundary. */
      const char *cut = strchr (self->log->str + self->log->len / 2, '\n');
      gsize drop = cut != NULL ? (gsize) (cut + 1 - self->log->str) : self->log->len / 2;

      g_string_erase (self->log, 0, drop);
    }
  g_signal_emit (self, signals[SIGNAL_LOG], 0, line);
}

/* The last lines of the log, for an error message. */
static char *
log_tail (DebriefLlamaServer *self)
{
  g_auto(GStrv) lines = g_strsplit (self->log->str, "\n", -1);
  guint n = g_strv_length (lines);
  guint start;
  GString *out = g_string_new (NULL);

  while (n > 0 && lines[n - 1][0] == '\0')
    n--;
  start = n > LOG_TAIL_LINES ? n - LOG_TAIL_LINES : 0;
  for (guint i = start; i < n; i++)
    g_string_append_printf (out, "\n  %s", lines[i]);
  return g_string_free (out, FALSE);
}

static guint16
free_port (GError **error)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (sock == NULL || !g_socket_bind (sock, addr, FALSE, error) ||
      (bound = g_socket_get_local_address (sock, error)) == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static GPtrArray *
build_argv (DebriefLlamaServer *self,
            guint16             port)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (debrief_llama_server_in_flatpak ())
    {
      /* --watch-bus: the host process ends when the app does, even if it crashes. */
      g_ptr_array_add (argv, g_strdup ("flatpak-spawn"));
      g_ptr_array_add (argv, g_strdup ("--host"));
      g_ptr_array_add (argv, g_strdup ("--watch-bus"));
    }
  g_ptr_array_add (argv, g_strdup (self->binary));
  g_ptr_array_add (argv, g_strdup ("-m"));
  g_ptr_array_add (argv, g_strdup (self->model));
  if (self->adapters != NULL && self->adapters[0] != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--lora"));
      g_ptr_array_add (argv, debrief_serve_llama_lora_value ((const char *const *) self->adapters));
      g_ptr_array_add (argv, g_strdup ("--lora-init-without-apply"));
    }
  /* A slot per request in flight: with fewer, llama-server (node-llama-cpp 3.22.1's
   * llama.cpp) answers queued requests for different adapters wrongly. */
  g_ptr_array_add (argv, g_strdup ("-np"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", self->parallel));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", SLOT_CONTEXT * self->parallel));
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args[i]));
  g_ptr_array_add (argv, g_strdup ("--host"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", port));
  g_ptr_array_add (argv, NULL);
  return argv;
}

char *
debrief_llama_server_get_command_line (DebriefLlamaServer *self)
{
  g_autoptr(GPtrArray) argv = build_argv (self, self->port != 0 ? self->port : 8080);
  GString *out = g_string_new (NULL);

  for (guint i = 0; g_ptr_array_index (argv, i) != NULL; i++)
    {
      g_autofree char *q = debrief_shell_quote (g_ptr_array_index (argv, i));

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", q);
    }
  return g_string_free (out, FALSE);
}

static void
clear_timers (DebriefLlamaServer *self)
{
  g_clear_handle_id (&self->health_source, g_source_remove);
}

/* Ends a start in progress: @error NULL for success. Takes @error. */
static void
finish_start (DebriefLlamaServer *self,
              GError             *error)
{
  GTask *task = g_steal_pointer (&self->start_task);

  clear_timers (self);
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The log reader and the exit watch hold no reference: dropping the object
 * must stop the server, so they are cancelled in dispose instead, and a
 * cancelled callback does not touch @data. */
static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  DebriefLlamaServer *self = data;
  g_autoptr(GError) error = NULL;
  gsize len;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, &len, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    return;  /* the end of its output */
  append_log (self, line != NULL ? line : _("(output that is not UTF-8 was left out)"));
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT, self->io_cancellable,
                                       read_line_cb, self);
}

static void
process_exited_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  DebriefLlamaServer *self = data;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *how = NULL;
  int status = -1;

  if (!g_subprocess_wait_finish (process, result, &error) && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (process != self->process)
    return;  /* an earlier attempt's */
  if (g_subprocess_get_if_exited (process))
    {
      status = g_subprocess_get_exit_status (process);
      how = g_strdup_printf (_("llama-server exited with status %d"), status);
    }
  else if (g_subprocess_get_if_signaled (process))
    how = g_strdup_printf (_("llama-server was stopped by signal %d"), g_subprocess_get_term_sig (process));
  else
    how = g_strdup (_("llama-server ended"));
  g_clear_handle_id (&self->kill_source, g_source_remove);
  set_running (self, FALSE);
  set_base_url (self, NULL);

  if (self->start_task != NULL)
    {
      gboolean port_taken = strstr (self->log->str, "couldn't bind") != NULL ||
                            strstr (self->log->str, "Address already in use") != NULL;

      if (port_taken && self->attempts < MAX_PORT_ATTEMPTS &&
          !g_cancellable_is_cancelled (g_task_get_cancellable (self->start_task)))
        {
          append_log (self, _("(the port was taken meanwhile: trying another)"));
          spawn_attempt (self);
          return;
        }
      {
        g_autofree char *tail = log_tail (self);

        finish_start (self, g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED,
                                         _("%s before it was ready; its last lines:%s"), how, tail));
      }
    }
  g_signal_emit (self, signals[SIGNAL_EXITED], 0, status, how);
}

static gboolean health_poll (gpointer data);

static void
health_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  DebriefLlamaServer *self = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (self->start_task != NULL && self->running)
    {
      if (body != NULL && msg != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
        {
          g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1", self->port);

          set_base_url (self, url);
          finish_start (self, NULL);
        }
      else if (g_get_monotonic_time () > self->deadline_us)
        {
          g_autofree char *tail = log_tail (self);

          finish_start (self, g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK,
                                           _("llama-server did not become ready within %u s; its last lines:%s"),
                                           self->startup_timeout_s, tail));
          debrief_llama_server_stop (self);
        }
      else
        self->health_source = g_timeout_add (HEALTH_INTERVAL_MS, health_poll, self);
    }
  g_object_unref (self);
}

static gboolean
health_poll (gpointer data)
{
  DebriefLlamaServer *self = data;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/health", self->port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  self->health_source = 0;
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->io_cancellable,
                                    health_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

#ifdef __linux__
/* In the child, before exec: die with us, even if we crash. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

static void
spawn_attempt (DebriefLlamaServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GDataInputStream) out = NULL;

  self->attempts++;
  self->port = free_port (&error);
  if (self->port == 0)
    {
      finish_start (self, g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_NETWORK,
                                       _("No free port on 127.0.0.1 for llama-server: %s"), error->message));
      return;
    }
  argv = build_argv (self, self->port);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE |
                                        G_SUBPROCESS_FLAGS_STDIN_INHERIT);
#ifdef __linux__
  if (!debrief_llama_server_in_flatpak ())
    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
#endif
  {
    g_autofree char *cmd = debrief_llama_server_get_command_line (self);
    g_autofree char *line = g_strdup_printf ("$ %s", cmd);

    append_log (self, line);
  }
  g_clear_object (&self->process);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  if (self->process == NULL)
    {
      finish_start (self, g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED, _("Could not start %s: %s"),
                                       self->binary, error->message));
      return;
    }
  set_running (self, TRUE);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_set_newline_type (out, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, self->io_cancellable, read_line_cb, self);
  g_subprocess_wait_async (self->process, self->io_cancellable, process_exited_cb, self);
  self->health_source = g_timeout_add (HEALTH_INTERVAL_MS, health_poll, self);
}

/* On our context, after the cancellable's handlers ran (never inside one). */
static gboolean
start_cancelled (GCancellable *cancellable,
                 gpointer      data)
{
  debrief_llama_server_stop (DEBRIEF_LLAMA_SERVER (data));
  return G_SOURCE_REMOVE;
}

/* ---- inside Flatpak: where the host sees the files ---- */

char *
debrief_llama_server_document_id (const char  *path,
                                  const char  *runtime_dir,
                                  const char **rest)
{
  g_autofree char *prefix = g_build_filename (runtime_dir != NULL ? runtime_dir : g_get_user_runtime_dir (),
                                              "doc", NULL);
  gsize len = strlen (prefix);
  const char *p;
  const char *slash;

  if (strncmp (path, prefix, len) != 0 || path[len] != '/')
    return NULL;
  p = path + len + 1;
  slash = strchr (p, '/');
  if (slash == NULL || slash == p || slash[1] == '\0' || slash[1] == '/')
    return NULL;
  /* After the ID comes the document's own name, which its host path already ends with. */
  *rest = strchr (slash + 1, '/');
  return g_strndup (p, slash - p);
}

static char *
document_id (const char  *path,
             const char **rest)
{
  return debrief_llama_server_document_id (path, NULL, rest);
}

typedef struct
{
  DebriefLlamaServer *self;   /* owned */
  GTask *task;                /* the start this lookup belongs to; compared, not owned */
  GStrv ids;
} HostPaths;

static void
host_paths_free (HostPaths *hp)
{
  g_object_unref (hp->self);
  g_strfreev (hp->ids);
  g_free (hp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HostPaths, host_paths_free)

static void
host_paths_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(HostPaths) hp = data;
  DebriefLlamaServer *self = hp->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr(GVariant) map = NULL;
  char **paths[64];
  guint n = 0;

  if (self->start_task == NULL || self->start_task != hp->task)
    return;
  if (reply == NULL)
    {
      finish_start (self, g_error_new (DEBRIEF_ERROR, DEBRIEF_ERROR_FAILED,
                                       _("Cannot tell llama-server on the host where the model is (the document "
                                         "portal did not say): %s"), error->message));
      return;
    }
  map = g_variant_get_child_value (reply, 0);
  paths[n++] = &self->model;
  for (guint i = 0; self->adapters != NULL && self->adapters[i] != NULL && n < G_N_ELEMENTS (paths); i++)
    paths[n++] = &self->adapters[i];
  for (guint i = 0; i < n; i++)
    {
      const char *rest = NULL;
      g_autofree char *id = document_id (*paths[i], &rest);
      g_autoptr(GVariant) host = id != NULL ? g_variant_lookup_value (map, id, G_VARIANT_TYPE_BYTESTRING) : NULL;

      if (host != NULL)
        {
          char *translated = g_strconcat (g_variant_get_bytestring (host), rest != NULL ? rest : "", NULL);

          g_free (*paths[i]);
          *paths[i] = translated;
        }
    }
  spawn_attempt (self);
}

static void
host_paths_bus_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  HostPaths *hp = data;
  DebriefLlamaServer *self = hp->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (self->start_task == NULL || self->start_task != hp->task)
    {
      host_paths_free (hp);
      return;
    }
  if (bus == NULL)
    {
      /* No session bus: the paths stay as they are (llama-server says if it cannot open them). */
      host_paths_free (hp);
      spawn_attempt (self);
      return;
    }
  /* GetHostPaths: document portal version 5 and later. */
  g_dbus_connection_call (bus, "org.freedesktop.portal.Documents", "/org/freedesktop/portal/documents",
                          "org.freedesktop.portal.Documents", "GetHostPaths",
                          g_variant_new ("(^as)", hp->ids), G_VARIANT_TYPE ("(a{say})"),
                          G_DBUS_CALL_FLAGS_NONE, 10000, NULL, host_paths_cb, hp);
}

/* Asks the document portal for the host paths of portal files; FALSE when there are none to ask for. */
static gboolean
translate_document_paths (DebriefLlamaServer *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  HostPaths *hp;
  const char *rest;
  char *id;

  if (!debrief_llama_server_in_flatpak ())
    return FALSE;
  if ((id = document_id (self->model, &rest)) != NULL)
    g_ptr_array_add (ids, id);
  for (guint i = 0; self->adapters != NULL && self->adapters[i] != NULL; i++)
    if ((id = document_id (self->adapters[i], &rest)) != NULL)
      g_ptr_array_add (ids, id);
  if (ids->len == 0)
    return FALSE;
  g_ptr_array_add (ids, NULL);
  hp = g_new0 (HostPaths, 1);
  hp->self = g_object_ref (self);
  hp->task = self->start_task;
  hp->ids = (GStrv) g_ptr_array_steal (ids, NULL);
  g_bus_get (G_BUS_TYPE_SESSION, NULL, host_paths_bus_cb, hp);
  return TRUE;
}

void
debrief_llama_server_start_async (DebriefLlamaServer  *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DEBRIEF_IS_LLAMA_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, debrief_llama_server_start_async);
  if (self->running || self->start_task != NULL)
    {
      g_task_return_new_error (task, DEBRIEF_ERROR, DEBRIEF_ERROR_INVALID_ARGUMENT,
                               _("llama-server is already running"));
      g_object_unref (task);
      return;
    }
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, (GSourceFunc) (void (*) (void)) start_cancelled, self, NULL);
      g_source_attach (self->cancel_source, self->context);
    }
  self->start_task = task;
  self->attempts = 0;
  self->deadline_us = g_get_monotonic_time () + (gint64) self->startup_timeout_s * G_USEC_PER_SEC;
  g_cancellable_reset (self->io_cancellable);
  if (!translate_document_paths (self))
    spawn_attempt (self);
}

gboolean
debrief_llama_server_start_finish (DebriefLlamaServer  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
kill_cb (gpointer data)
{
  DebriefLlamaServer *self = data;

  self->kill_source = 0;
  if (self->process != NULL && self->running)
    {
      append_log (self, _("(llama-server did not stop in time: killed)"));
      g_subprocess_force_exit (self->process);
    }
  return G_SOURCE_REMOVE;
}

void
debrief_llama_server_stop (DebriefLlamaServer *self)
{
  g_return_if_fail (DEBRIEF_IS_LLAMA_SERVER (self));

  if (self->start_task != NULL)
    finish_start (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Starting llama-server was cancelled")));
  clear_timers (self);
  if (self->process == NULL || !self->running)
    return;
  g_subprocess_send_signal (self->process, SIGTERM);
  if (self->kill_source == 0)
    self->kill_source = g_timeout_add_seconds (STOP_GRACE_S, kill_cb, self);
}

const char *
debrief_llama_server_get_base_url (DebriefLlamaServer *self)
{
  return self->base_url;
}

gboolean
debrief_llama_server_is_running (DebriefLlamaServer *self)
{
  return self->running;
}

GPid
debrief_llama_server_get_pid (DebriefLlamaServer *self)
{
  const char *id = self->process != NULL && self->running ? g_subprocess_get_identifier (self->process) : NULL;

  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

const char *
debrief_llama_server_get_log (DebriefLlamaServer *self)
{
  return self->log->str;
}

void
debrief_llama_server_set_startup_timeout (DebriefLlamaServer *self,
                                          guint               seconds)
{
  self->startup_timeout_s = MAX (seconds, 1);
}

void
debrief_llama_server_set_parallel (DebriefLlamaServer *self,
                                   guint               parallel)
{
  self->parallel = CLAMP (parallel, 1, 64);
}

void
debrief_llama_server_set_extra_args (DebriefLlamaServer *self,
                                     const char *const  *args)
{
  g_strfreev (self->extra_args);
  self->extra_args = g_strdupv ((char **) args);
}

static void
debrief_llama_server_dispose (GObject *object)
{
  DebriefLlamaServer *self = DEBRIEF_LLAMA_SERVER (object);

  /* Dropped: the server goes with us. SIGTERM, which flatpak-spawn passes on to
   * the host's process (SIGKILL would end flatpak-spawn only). */
  if (self->process != NULL && self->running)
    g_subprocess_send_signal (self->process, SIGTERM);
  if (self->start_task != NULL)
    finish_start (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Starting llama-server was cancelled")));
  g_cancellable_cancel (self->io_cancellable);
  clear_timers (self);
  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_object (&self->process);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (debrief_llama_server_parent_class)->dispose (object);
}

static void
debrief_llama_server_finalize (GObject *object)
{
  DebriefLlamaServer *self = DEBRIEF_LLAMA_SERVER (object);

  g_free (self->binary);
  g_free (self->model);
  g_strfreev (self->adapters);
  g_strfreev (self->extra_args);
  g_free (self->base_url);
  g_string_free (self->log, TRUE);
  g_clear_object (&self->io_cancellable);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (debrief_llama_server_parent_class)->finalize (object);
}

static void
debrief_llama_server_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DebriefLlamaServer *self = DEBRIEF_LLAMA_SERVER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
debrief_llama_server_class_init (DebriefLlamaServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = debrief_llama_server_dispose;
  object_class->finalize = debrief_llama_server_finalize;
  object_class->get_property = debrief_llama_server_get_property;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (line): a line of its output */
  signals[SIGNAL_LOG] = g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (exit status or -1, a sentence saying how it ended) */
  signals[SIGNAL_EXITED] = g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
debrief_llama_server_init (DebriefLlamaServer *self)
{
  self->log = g_string_new (NULL);
  self->context = g_main_context_ref_thread_default ();
  self->io_cancellable = g_cancellable_new ();
  self->startup_timeout_s = DEBRIEF_LLAMA_SERVER_STARTUP_TIMEOUT_S;
  self->parallel = 4;
  self->session = soup_session_new_with_options ("timeout", 10, NULL);
}

DebriefLlamaServer *
debrief_llama_server_new (const char        *binary,
                          const char        *model,
                          const char *const *adapters)
{
  DebriefLlamaServer *self;

  g_return_val_if_fail (binary != NULL && model != NULL, NULL);

  self = g_object_new (DEBRIEF_TYPE_LLAMA_SERVER, NULL);
  self->binary = g_strdup (binary);
  self->model = g_strdup (model);
  self->adapters = g_strdupv ((char **) adapters);
  return self;
}
