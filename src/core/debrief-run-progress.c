/* debrief-run-progress.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "debrief-json-private.h"
#include "debrief-run-progress.h"

/* Without a pace seen while watching, files written this recently are a run
 * being written (a trainer logs every few seconds to minutes). */
#define RECENT_SECONDS (10 * 60)
/* Quiet for this many times its pace: stalled (hung, or killed without a word). */
#define STALL_FACTOR 10.0
#define STALL_MIN_SECONDS 120.0

GType
debrief_live_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { DEBRIEF_LIVE_FINISHED, "DEBRIEF_LIVE_FINISHED", "finished" },
        { DEBRIEF_LIVE_TRAINING, "DEBRIEF_LIVE_TRAINING", "training" },
        { DEBRIEF_LIVE_STALLED, "DEBRIEF_LIVE_STALLED", "stalled" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type_id, g_enum_register_static ("DebriefLiveState", values));
    }
  return type_id;
}

const char *
debrief_live_state_to_string (DebriefLiveState state)
{
  switch (state)
    {
    case DEBRIEF_LIVE_TRAINING: return "training";
    case DEBRIEF_LIVE_STALLED: return "stalled";
    case DEBRIEF_LIVE_FINISHED:
    default:
      return "finished";
    }
}

void
debrief_run_progress_init (DebriefRunProgress *progress)
{
  memset (progress, 0, sizeof *progress);
  progress->step = -1;
  progress->fraction = NAN;
  progress->elapsed_seconds = NAN;
  progress->remaining_seconds = NAN;
}

void
debrief_run_progress_clear (DebriefRunProgress *progress)
{
  g_clear_pointer (&progress->finished_by, g_free);
}

void
debrief_run_progress_copy (const DebriefRunProgress *from,
                           DebriefRunProgress       *to)
{
  debrief_run_progress_clear (to);
  *to = *from;
  to->finished_by = g_strdup (from->finished_by);
}

double
debrief_run_progress_done_fraction (const DebriefRunProgress *progress)
{
  if (isfinite (progress->fraction))
    return progress->fraction;
  if (progress->total_steps > 0 && progress->step >= 0)
    return (double) progress->step / (double) progress->total_steps;
  return NAN;
}

static gboolean
reached_end (const DebriefRunProgress *progress)
{
  return progress->finished_by != NULL ||
         (isfinite (progress->fraction) && progress->fraction >= 1.0 - 1e-9) ||
         (progress->total_steps > 0 && progress->step >= progress->total_steps);
}

/* Seconds between writes from the trainer's own clock, when it gives one. */
static double
trainer_pace (const DebriefRunProgress *progress)
{
  if (isfinite (progress->elapsed_seconds) && progress->elapsed_seconds > 0 && progress->step > 0)
    return progress->elapsed_seconds / (double) progress->step;
  return NAN;
}

DebriefLiveState
debrief_run_progress_live_state (const DebriefRunProgress *progress,
                                 gint64                    now_usec,
                                 double                    seconds_per_write)
{
  double quiet, pace, over;

  if (reached_end (progress) || progress->last_write_usec <= 0)
    return DEBRIEF_LIVE_FINISHED;
  quiet = (double) (now_usec - progress->last_write_usec) / G_USEC_PER_SEC;
  pace = isfinite (seconds_per_write) && seconds_per_write > 0 ? seconds_per_write : trainer_pace (progress);
  if (isfinite (pace))
    {
      over = MAX (DEBRIEF_LIVE_QUIET_SECONDS, STALL_FACTOR * 3 * pace);
      if (quiet > over)
        return DEBRIEF_LIVE_FINISHED;
      if (quiet > MAX (STALL_MIN_SECONDS, STALL_FACTOR * pace))
        return DEBRIEF_LIVE_STALLED;
      return DEBRIEF_LIVE_TRAINING;
    }
  /* Nothing to go by but the files' age. */
  return quiet <= RECENT_SECONDS ? DEBRIEF_LIVE_TRAINING : DEBRIEF_LIVE_FINISHED;
}

double
debrief_run_progress_eta (const DebriefRunProgress *progress,
                          double                    seconds_per_step)
{
  if (reached_end (progress))
    return 0;
  if (isfinite (progress->remaining_seconds) && progress->remaining_seconds >= 0)
    return progress->remaining_seconds;
  if (isfinite (progress->fraction) && progress->fraction > 0 && isfinite (progress->elapsed_seconds) &&
      progress->elapsed_seconds > 0)
    return progress->elapsed_seconds * (1.0 - progress->fraction) / progress->fraction;
  if (progress->total_steps > 0 && progress->step >= 0)
    {
      double pace = isfinite (seconds_per_step) && seconds_per_step > 0 ? seconds_per_step : trainer_pace (progress);
      if (isfinite (pace))
        return pace * (double) (progress->total_steps - progress->step);
    }
  return NAN;
}

double
debrief_parse_clock_time (const char *text)
{
  double parts[3] = { 0 };
  guint n = 0;
  const char *p = text;
  double days = 0;

  if (text == NULL)
    return NAN;
  /* Python's str(timedelta): "1 day, 2:03:04" past a day. */
  if (g_ascii_isdigit (*p) && strstr (p, "day") != NULL)
    {
      char *end = NULL;
      days = g_ascii_strtod (p, &end);
      p = strchr (end, ',');
      if (p == NULL)
        return NAN;
      p++;
      while (*p == ' ')
        p++;
    }
  while (*p != '\0' && n < 3)
    {
      char *end = NULL;
      if (!g_ascii_isdigit (*p))
        return NAN;
      parts[n++] = g_ascii_strtod (p, &end);
      p = end;
      if (*p == ':')
        p++;
      else if (*p != '\0')
        return NAN;
    }
  if (n == 0 || *p != '\0')
    return NAN;
  if (n == 3)
    return days * 86400 + parts[0] * 3600 + parts[1] * 60 + parts[2];
  if (n == 2)
    return days * 86400 + parts[0] * 60 + parts[1];
  return days * 86400 + parts[0];
}

static gboolean
get_number (const DebriefJsonNode *object,
            const char            *key,
            double                *value)
{
  return debrief_json_node_get_double (object, key, value) && isfinite (*value);
}

void
debrief_run_progress_read_record (DebriefRunProgress *progress,
                                  const char         *record,
                                  gsize               length)
{
  g_autoptr(DebriefJsonNode) object = NULL;
  double v;

  if (record == NULL || length == 0)
    return;
  object = debrief_json_parse (record, length, NULL, NULL);
  if (object == NULL || object->type != DEBRIEF_JSON_OBJECT)
    return;

  /* LLaMA-Factory's trainer_log.jsonl. */
  if (get_number (object, "current_steps", &v) && v >= 0)
    progress->step = (gint64) v;
  if (get_number (object, "total_steps", &v) && v > 0)
    progress->total_steps = (gint64) v;
  if (get_number (object, "percentage", &v) && v >= 0)
    progress->fraction = v / 100.0;
  v = debrief_parse_clock_time (debrief_json_node_get_string (object, "elapsed_time"));
  if (isfinite (v))
    progress->elapsed_seconds = v;
  v = debrief_parse_clock_time (debrief_json_node_get_string (object, "remaining_time"));
  if (isfinite (v))
    progress->remaining_seconds = v;

  /* tinker-cookbook's metrics.jsonl. */
  if (get_number (object, "progress/done_frac", &v) && v >= 0)
    progress->fraction = v;
  else if (get_number (object, "progress", &v) && v >= 0 && v <= 1)
    progress->fraction = v;
  if (get_number (object, "time/total", &v) && v >= 0)
    progress->elapsed_seconds = v;
  if (progress->step < 0 && get_number (object, "step", &v) && v >= 0)
    progress->step = (gint64) v;

  if (isfinite (progress->fraction) && progress->fraction >= 1.0 - 1e-9 && progress->finished_by == NULL)
    progress->finished_by = g_strdup (_("its progress reached 100 %"));
}

char *
debrief_format_duration (double seconds)
{
  gint64 s;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("?");
  s = (gint64) llround (seconds);
  if (s < 60)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_("%d s"), (int) s);
  if (s < 3600)
    /* Translators: a duration in minutes */
    return g_strdup_printf (_("%d min"), (int) ((s + 30) / 60));
  if (s < 86400)
    {
      int minutes = (int) (((s % 3600) + 30) / 60);
      if (minutes == 60)
        return g_strdup_printf (_("%d h"), (int) (s / 3600) + 1);
      if (minutes == 0)
        /* Translators: a duration in hours */
        return g_strdup_printf (_("%d h"), (int) (s / 3600));
      /* Translators: a duration in hours and minutes */
      return g_strdup_printf (_("%d h %d min"), (int) (s / 3600), minutes);
    }
  /* Translators: a duration in days and hours */
  return g_strdup_printf (_("%d d %d h"), (int) (s / 86400), (int) ((s % 86400) / 3600));
}

char *
debrief_run_progress_describe (const DebriefRunProgress *progress,
                               DebriefLiveState          state,
                               double                    eta_seconds,
                               gint64                    now_usec)
{
  g_autofree char *where = NULL;
  g_autofree char *left = NULL;

  if (state == DEBRIEF_LIVE_FINISHED)
    {
      if (progress->finished_by != NULL)
        /* Translators: %s says why, e.g. "train_results.json was written" */
        return g_strdup_printf (_("finished: %s"), progress->finished_by);
      return g_strdup (_("finished (no new data)"));
    }
  if (state == DEBRIEF_LIVE_STALLED)
    {
      g_autofree char *quiet = debrief_format_duration ((double) (now_usec - progress->last_write_usec) / G_USEC_PER_SEC);
      /* Translators: %s is a duration, e.g. "12 min" */
      return g_strdup_printf (_("stalled: no new data for %s"), quiet);
    }
  if (progress->step >= 0 && progress->total_steps > 0)
    /* Translators: "step 4,200 of 10,000 (42 %)" */
    where = g_strdup_printf (_("step %'" PRId64 " of %'" PRId64 " (%.0f %%)"), progress->step,
                             progress->total_steps, 100.0 * progress->step / progress->total_steps);
  else if (progress->step >= 0)
    where = g_strdup_printf (_("step %'" PRId64), progress->step);
  if (isfinite (eta_seconds) && eta_seconds > 0)
    {
      g_autofree char *eta = debrief_format_duration (eta_seconds);
      /* Translators: %s is a duration, e.g. "1 h 20 min" */
      left = g_strdup_printf (_("about %s left"), eta);
    }
  if (where != NULL && left != NULL)
    /* Translators: "training: step 4,200 of 10,000 (42 %), about 1 h 20 min left" */
    return g_strdup_printf (_("training: %s, %s"), where, left);
  if (where != NULL || left != NULL)
    return g_strdup_printf (_("training: %s"), where ? where : left);
  return g_strdup (_("training"));
}
