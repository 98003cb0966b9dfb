/* bench-exec.c: runs one command and reports what the whole process cost
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-exec OUTPUT_FILE PROGRAM [ARGS...]
 *   bench-exec --start-env VAR PROGRAM [ARGS...]
 *
 * The second form only runs PROGRAM (replacing itself, no fork) with VAR set
 * to CLOCK_MONOTONIC in microseconds just before the exec: a program that
 * reads it can time its own start-up from the exec on, dynamic linking
 * included (tests/bench/bench-startup.sh).
 *
 * Runs PROGRAM with its stdout and stderr passed through, waits for it and
 * writes one JSON line to OUTPUT_FILE: wall seconds (fork to exit), user and
 * system CPU seconds, peak resident memory (ru_maxrss, kB) and the exit
 * status. This small process does the fork because Linux counts the memory
 * of the process that forked into the child's ru_maxrss: forked from the
 * (large) benchmark script, every child would seem to need the script's
 * memory. Plain libc, so that its own footprint is a few hundred kB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int   argc,
      char *argv[])
{
  struct rusage usage;
  double start, end;
  int status;
  pid_t pid;
  FILE *out;

  if (argc >= 4 && strcmp (argv[1], "--start-env") == 0)
    {
      char value[32];

      snprintf (value, sizeof value, "%lld", (long long) (now () * 1e6));
      setenv (argv[2], value, 1);
      execvp (argv[3], argv + 3);
      perror (argv[3]);
      return 127;
    }
  if (argc < 3)
    {
      fprintf (stderr, "usage: %s OUTPUT_FILE PROGRAM [ARGS...]\n"
                       "       %s --start-env VAR PROGRAM [ARGS...]\n", argv[0], argv[0]);
      return 2;
    }
  start = now ();
  pid = fork ();
  if (pid < 0)
    {
      perror ("fork");
      return 2;
    }
  if (pid == 0)
    {
      execvp (argv[2], argv + 2);
      perror (argv[2]);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) != pid)
    {
      perror ("wait4");
      return 2;
    }
  end = now ();
  out = fopen (argv[1], "w");
  if (out == NULL)
    {
      perror (argv[1]);
      return 2;
    }
  fprintf (out, "{\"wall_seconds\": %.6f, \"user_seconds\": %.6f, \"sys_seconds\": %.6f, "
           "\"peak_rss_kb\": %ld, \"exit_status\": %d}\n",
           end - start, usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6,
           usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6, usage.ru_maxrss,
           WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
  fclose (out);
  return 0;
}
