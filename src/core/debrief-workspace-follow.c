/* debrief-workspace-follow.c: runs still being written, followed as they grow
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run that is still training gets a DebriefRunFollower instead of the file
 * monitors: it reads the run again from the last complete record of its logs
 * and hands over each new reading, which takes the old one's place in the runs
 * model (views keep their state: they are given the same folder's run). The
 * analysis of a followed run is started at most once a second; the findings
 * of the reading before stay on the new run until it is done.
 */
#include "config.h"

#include <math.h>

#include "debrief-analysis.h"
#include "debrief-run-progress.h"
#include "debrief-workspace-private.h"

#define FOLLOWED_ANALYSIS_INTERVAL_MS 1000

static gboolean
analyse_followed (gpointer user_data)
{
  RunState *state = user_data;

  g_clear_pointer (&state->analysis_source, g_source_unref);
  _debrief_workspace_analyse (state->workspace, state);
  return G_SOURCE_REMOVE;
}

static void
followed_updated (DebriefRunFollower *follower,
                  DebriefRun         *run,
                  gpointer            user_data)
{
  RunState *state = user_data;
  DebriefWorkspace *self = state->workspace;
  DebriefAnalysis *before = debrief_run_get_analysis (state->run);

  if (run == state->run)
    return;
  /* The user's values, and the findings of the reading before until the new ones come. */
  debrief_run_overrides_apply (&state->overrides, debrief_run_get_config (run));
  if (before != NULL && debrief_run_get_analysis (run) == NULL)
    debrief_run_set_analysis (run, before);
  _debrief_workspace_replace_run (self, state, run);
  if (state->analysis_source == NULL)
    {
      state->analysis_source = g_timeout_source_new (state->analysing ? FOLLOWED_ANALYSIS_INTERVAL_MS : 0);
      g_source_set_callback (state->analysis_source, analyse_followed, state, NULL);
      g_source_set_name (state->analysis_source, "[debrief] analyse a followed run");
      g_source_attach (state->analysis_source, self->context);
    }
  _debrief_workspace_emit_live_changed (self, run);
}

static void
followed_state_changed (DebriefRunFollower *follower,
                        GParamSpec         *pspec,
                        gpointer            user_data)
{
  RunState *state = user_data;

  _debrief_workspace_emit_live_changed (state->workspace, state->run);
  _debrief_workspace_update_state (state->workspace);
}

gboolean
_debrief_workspace_follow (DebriefWorkspace *self,
                           RunState         *state)
{
  DebriefLoadOptions options = { 0 };

  if (state->follower != NULL)
    return TRUE;
  if (self->follow == DEBRIEF_FOLLOW_NONE || (self->follow == DEBRIEF_FOLLOW_LIVE && !self->watch_files))
    return FALSE;
  if (self->follow == DEBRIEF_FOLLOW_LIVE &&
      debrief_run_progress_live_state (debrief_run_get_progress (state->run), g_get_real_time (), NAN) ==
      DEBRIEF_LIVE_FINISHED)
    return FALSE;

  options.text_pattern = self->text_pattern;
  state->follower = debrief_run_follower_new (debrief_run_get_folder (state->run), &options);
  debrief_run_follower_set_known_run (state->follower, state->run);
  g_signal_connect (state->follower, "updated", G_CALLBACK (followed_updated), state);
  g_signal_connect (state->follower, "notify::state", G_CALLBACK (followed_state_changed), state);
  g_signal_connect (state->follower, "notify::error", G_CALLBACK (followed_state_changed), state);
  /* A first reading that held what the run showed is not ::updated, but its
   * progress (the step, the time left) is news to the views. */
  g_signal_connect (state->follower, "notify::run", G_CALLBACK (followed_state_changed), state);
  g_main_context_push_thread_default (self->context);
  debrief_run_follower_start (state->follower);
  g_main_context_pop_thread_default (self->context);
  return TRUE;
}

void
_debrief_workspace_unfollow (RunState *state)
{
  if (state->analysis_source != NULL)
    {
      g_source_destroy (state->analysis_source);
      g_clear_pointer (&state->analysis_source, g_source_unref);
    }
  if (state->follower == NULL)
    return;
  g_signal_handlers_disconnect_by_data (state->follower, state);
  debrief_run_follower_stop (state->follower);
  g_clear_object (&state->follower);
}

DebriefFollowMode
debrief_workspace_get_follow (DebriefWorkspace *self)
{
  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), DEBRIEF_FOLLOW_NONE);
  return self->follow;
}

void
debrief_workspace_set_follow (DebriefWorkspace  *self,
                              DebriefFollowMode  mode)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DEBRIEF_IS_WORKSPACE (self));

  if (self->follow == mode)
    return;
  self->follow = mode;
  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (mode == DEBRIEF_FOLLOW_NONE)
        _debrief_workspace_unfollow (value);
      _debrief_workspace_watch (self, value);
    }
}

DebriefRunFollower *
debrief_workspace_get_follower (DebriefWorkspace *self,
                                DebriefRun       *run)
{
  RunState *state;

  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (DEBRIEF_IS_RUN (run), NULL);

  state = _debrief_workspace_lookup (self, run);
  return state != NULL ? state->follower : NULL;
}

gboolean
debrief_workspace_get_followed_runs_done (DebriefWorkspace *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (DEBRIEF_IS_WORKSPACE (self), TRUE);

  g_hash_table_iter_init (&iter, self->states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RunState *state = value;

      if (state->follower == NULL)
        continue;
      if (debrief_run_follower_get_state (state->follower) != DEBRIEF_LIVE_FINISHED ||
          !debrief_run_follower_get_settled (state->follower) || state->analysing || state->analysis_source != NULL ||
          debrief_run_follower_get_run (state->follower) != state->run)
        return FALSE;
    }
  return TRUE;
}
