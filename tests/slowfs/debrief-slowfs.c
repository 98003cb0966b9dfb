/* debrief-slowfs.c: an LD_PRELOAD shim that makes one folder as slow as a
 * stalled network file system
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every open, stat, access, realpath, readlink and directory open of a path
 * under $DEBRIEF_SLOWFS_PREFIX, and every read, fstat and mmap of a file
 * descriptor opened there, sleeps DEBRIEF_SLOWFS_DELAY_MS (200 ms) first.
 * Run folders on NFS or sshfs are normal in ML; with this shim a test shows
 * that no such call happens on the GUI thread (tests/app/test-slowfs.c).
 *
 * With DEBRIEF_SLOWFS_TRACE=1, a call slowed down on the process's first
 * thread (the GUI thread) prints a backtrace to stderr: the place to fix.
 *
 * It also counts how long the main thread waits in poll() on a single
 * descriptor with no timeout: that is libxcb waiting for a reply from the X
 * server (GLib's main loop polls several descriptors, with a timeout). Under
 * Xvfb on a loaded machine such a round trip takes tens of milliseconds that
 * belong to the X server, not to the app; the test reports them apart.
 *
 * glibc calls its own functions internally without going through the PLT
 * (fopen() does not call open()), so the entry points a program uses are
 * wrapped one by one. The prefix is read once, at the first call.
 */
/* Both the 32-bit-offset and the 64-bit names are wrapped: without this the
 * headers would rename open() to open64() and the two would clash. */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define DELAY_MS 200
/* File descriptors tracked: more than a test opens at once. */
#define MAX_FDS 65536

static char prefix[PATH_MAX];
static size_t prefix_len;
static int trace;
static atomic_uint main_thread_calls;
static atomic_ullong display_wait_ns;
static atomic_uint slow_calls;
static atomic_uchar tracked[MAX_FDS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
init (void)
{
  const char *p = getenv ("DEBRIEF_SLOWFS_PREFIX");

  trace = getenv ("DEBRIEF_SLOWFS_TRACE") != NULL;
  if (p == NULL || *p != '/' || strlen (p) >= sizeof prefix - 1)
    return;
  strcpy (prefix, p);
  prefix_len = strlen (prefix);
  while (prefix_len > 1 && prefix[prefix_len - 1] == '/')
    prefix[--prefix_len] = '\0';
}

static int
under_prefix (const char *path)
{
  pthread_once (&once, init);
  return prefix_len > 0 && path != NULL && strncmp (path, prefix, prefix_len) == 0
         && (path[prefix_len] == '\0' || path[prefix_len] == '/');
}

static void
slow_down (void)
{
  struct timespec ts = { DELAY_MS / 1000, (DELAY_MS % 1000) * 1000000L };

  atomic_fetch_add (&slow_calls, 1);
  if (gettid () == getpid ())
    {
      atomic_fetch_add (&main_thread_calls, 1);
      if (trace)
        {
          void *frames[32];
          int n = backtrace (frames, 32);
          static const char header[] = "debrief-slowfs: a slow call on the main thread:\n";

          if (write (2, header, sizeof header - 1) < 0)
            return;
          backtrace_symbols_fd (frames, n, 2);
        }
    }
  while (nanosleep (&ts, &ts) == -1 && errno == EINTR)
    ;
}

static void
slow_path (const char *path)
{
  if (under_prefix (path))
    slow_down ();
}

static void
slow_fd (int fd)
{
  if (fd >= 0 && fd < MAX_FDS && atomic_load (&tracked[fd]))
    slow_down ();
}

static void
track (int fd,
       int slow)
{
  if (fd >= 0 && fd < MAX_FDS)
    atomic_store (&tracked[fd], slow ? 1 : 0);
}

/* For *at() calls: a relative (or empty, AT_EMPTY_PATH) path counts when
 * the directory descriptor was opened under the prefix. */
static int
slow_at (int         dirfd,
         const char *path)
{
  if (path[0] == '/')
    return under_prefix (path);
  return dirfd >= 0 && dirfd < MAX_FDS && atomic_load (&tracked[dirfd]);
}

#define REAL(ret, name, ...) \
  static ret (*real_##name) (__VA_ARGS__); \
  if (real_##name == NULL) \
    real_##name = dlsym (RTLD_NEXT, #name)

/* The number of calls slowed down so far (the test checks the shim works). */
unsigned int debrief_slowfs_calls (void);

unsigned int
debrief_slowfs_calls (void)
{
  return atomic_load (&slow_calls);
}

int
poll (struct pollfd *fds, nfds_t nfds, int timeout)
{
  REAL (int, poll, struct pollfd *, nfds_t, int);
  struct timespec start, end;
  int result;

  if (nfds != 1 || timeout != -1 || gettid () != getpid ())
    return real_poll (fds, nfds, timeout);
  clock_gettime (CLOCK_MONOTONIC, &start);
  result = real_poll (fds, nfds, timeout);
  clock_gettime (CLOCK_MONOTONIC, &end);
  atomic_fetch_add (&display_wait_ns, (unsigned long long) ((end.tv_sec - start.tv_sec) * 1000000000LL
                                                            + (end.tv_nsec - start.tv_nsec)));
  return result;
}

/* Nanoseconds the main thread spent waiting on one descriptor without a
 * timeout (the X server's replies). */
unsigned long long debrief_slowfs_display_wait_ns (void);

unsigned long long
debrief_slowfs_display_wait_ns (void)
{
  return atomic_load (&display_wait_ns);
}

/* Of those, the ones made on the process's first thread. */
unsigned int debrief_slowfs_main_thread_calls (void);

unsigned int
debrief_slowfs_main_thread_calls (void)
{
  return atomic_load (&main_thread_calls);
}

#define OPEN_MODE(flags, mode) \
  mode_t mode = 0; \
  if ((flags) & (O_CREAT | O_TMPFILE)) \
    { \
      va_list ap; \
      va_start (ap, flags); \
      mode = va_arg (ap, mode_t); \
      va_end (ap); \
    }

int
open (const char *path, int flags, ...)
{
  REAL (int, open, const char *, int, ...);
  OPEN_MODE (flags, mode);
  int slow = under_prefix (path), fd;

  if (slow)
    slow_down ();
  fd = real_open (path, flags, mode);
  track (fd, slow);
  return fd;
}

int
open64 (const char *path, int flags, ...)
{
  REAL (int, open64, const char *, int, ...);
  OPEN_MODE (flags, mode);
  int slow = under_prefix (path), fd;

  if (slow)
    slow_down ();
  fd = real_open64 (path, flags, mode);
  track (fd, slow);
  return fd;
}

int
openat (int dirfd, const char *path, int flags, ...)
{
  REAL (int, openat, int, const char *, int, ...);
  OPEN_MODE (flags, mode);
  int slow = slow_at (dirfd, path), fd;

  if (slow)
    slow_down ();
  fd = real_openat (dirfd, path, flags, mode);
  track (fd, slow);
  return fd;
}

int
openat64 (int dirfd, const char *path, int flags, ...)
{
  REAL (int, openat64, int, const char *, int, ...);
  OPEN_MODE (flags, mode);
  int slow = slow_at (dirfd, path), fd;

  if (slow)
    slow_down ();
  fd = real_openat64 (dirfd, path, flags, mode);
  track (fd, slow);
  return fd;
}

FILE *
fopen (const char *path, const char *mode)
{
  REAL (FILE *, fopen, const char *, const char *);
  int slow = under_prefix (path);
  FILE *f;

  if (slow)
    slow_down ();
  f = real_fopen (path, mode);
  if (f != NULL)
    track (fileno (f), slow);
  return f;
}

FILE *
fopen64 (const char *path, const char *mode)
{
  REAL (FILE *, fopen64, const char *, const char *);
  int slow = under_prefix (path);
  FILE *f;

  if (slow)
    slow_down ();
  f = real_fopen64 (path, mode);
  if (f != NULL)
    track (fileno (f), slow);
  return f;
}

DIR *
opendir (const char *path)
{
  REAL (DIR *, opendir, const char *);
  int slow = under_prefix (path);
  DIR *dir;

  if (slow)
    slow_down ();
  dir = real_opendir (path);
  if (dir != NULL)
    track (dirfd (dir), slow);
  return dir;
}

int
close (int fd)
{
  REAL (int, close, int);

  track (fd, 0);
  return real_close (fd);
}

ssize_t
read (int fd, void *buf, size_t count)
{
  REAL (ssize_t, read, int, void *, size_t);

  slow_fd (fd);
  return real_read (fd, buf, count);
}

ssize_t
pread (int fd, void *buf, size_t count, off_t offset)
{
  REAL (ssize_t, pread, int, void *, size_t, off_t);

  slow_fd (fd);
  return real_pread (fd, buf, count, offset);
}

ssize_t
pread64 (int fd, void *buf, size_t count, off64_t offset)
{
  REAL (ssize_t, pread64, int, void *, size_t, off64_t);

  slow_fd (fd);
  return real_pread64 (fd, buf, count, offset);
}

ssize_t
readv (int fd, const struct iovec *iov, int iovcnt)
{
  REAL (ssize_t, readv, int, const struct iovec *, int);

  slow_fd (fd);
  return real_readv (fd, iov, iovcnt);
}

void *
mmap (void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
  REAL (void *, mmap, void *, size_t, int, int, int, off_t);

  slow_fd (fd);
  return real_mmap (addr, length, prot, flags, fd, offset);
}

void *
mmap64 (void *addr, size_t length, int prot, int flags, int fd, off64_t offset)
{
  REAL (void *, mmap64, void *, size_t, int, int, int, off64_t);

  slow_fd (fd);
  return real_mmap64 (addr, length, prot, flags, fd, offset);
}

int
fstat (int fd, struct stat *st)
{
  REAL (int, fstat, int, struct stat *);

  slow_fd (fd);
  return real_fstat (fd, st);
}

int
fstat64 (int fd, struct stat64 *st)
{
  REAL (int, fstat64, int, struct stat64 *);

  slow_fd (fd);
  return real_fstat64 (fd, st);
}

int
stat (const char *path, struct stat *st)
{
  REAL (int, stat, const char *, struct stat *);

  slow_path (path);
  return real_stat (path, st);
}

int
stat64 (const char *path, struct stat64 *st)
{
  REAL (int, stat64, const char *, struct stat64 *);

  slow_path (path);
  return real_stat64 (path, st);
}

int
lstat (const char *path, struct stat *st)
{
  REAL (int, lstat, const char *, struct stat *);

  slow_path (path);
  return real_lstat (path, st);
}

int
lstat64 (const char *path, struct stat64 *st)
{
  REAL (int, lstat64, const char *, struct stat64 *);

  slow_path (path);
  return real_lstat64 (path, st);
}

int
fstatat (int dirfd, const char *path, struct stat *st, int flags)
{
  REAL (int, fstatat, int, const char *, struct stat *, int);

  if (slow_at (dirfd, path))
    slow_down ();
  return real_fstatat (dirfd, path, st, flags);
}

int
fstatat64 (int dirfd, const char *path, struct stat64 *st, int flags)
{
  REAL (int, fstatat64, int, const char *, struct stat64 *, int);

  if (slow_at (dirfd, path))
    slow_down ();
  return real_fstatat64 (dirfd, path, st, flags);
}

int
statx (int dirfd, const char *path, int flags, unsigned int mask, struct statx *st)
{
  REAL (int, statx, int, const char *, int, unsigned int, struct statx *);

  if (slow_at (dirfd, path))
    slow_down ();
  return real_statx (dirfd, path, flags, mask, st);
}

int
access (const char *path, int mode)
{
  REAL (int, access, const char *, int);

  slow_path (path);
  return real_access (path, mode);
}

int
faccessat (int dirfd, const char *path, int mode, int flags)
{
  REAL (int, faccessat, int, const char *, int, int);

  if (slow_at (dirfd, path))
    slow_down ();
  return real_faccessat (dirfd, path, mode, flags);
}

char *
realpath (const char *path, char *resolved)
{
  REAL (char *, realpath, const char *, char *);

  slow_path (path);
  return real_realpath (path, resolved);
}

char *
canonicalize_file_name (const char *path)
{
  REAL (char *, canonicalize_file_name, const char *);

  slow_path (path);
  return real_canonicalize_file_name (path);
}

ssize_t
readlink (const char *path, char *buf, size_t size)
{
  REAL (ssize_t, readlink, const char *, char *, size_t);

  slow_path (path);
  return real_readlink (path, buf, size);
}
