/* debrief-sampler.h: samples the fine-tuned and baseline models side by side
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each prompt, one request per role (fine-tuned, and baseline when a
 * baseline model is set), all through one DebriefClient (which bounds the
 * concurrency). Text streams out through the "delta" signal; each finished
 * completion is appended to samples.jsonl in the run folder at once.
 * Signals are emitted on the thread-default main context of the caller.
 */
#pragma once

#if !defined (DEBRIEF_INSIDE) && !defined (DEBRIEF_COMPILATION)
# error "Only \"debrief-core.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "debrief-types.h"
#include "debrief-client.h"
#include "debrief-samples.h"

G_BEGIN_DECLS

typedef enum
{
  DEBRIEF_SAMPLE_STATE_IDLE,
  DEBRIEF_SAMPLE_STATE_WAITING,    /* queued or in flight, no text yet */
  DEBRIEF_SAMPLE_STATE_STREAMING,
  DEBRIEF_SAMPLE_STATE_DONE,
  DEBRIEF_SAMPLE_STATE_FAILED,
  DEBRIEF_SAMPLE_STATE_CANCELLED,
} DebriefSampleState;

#define DEBRIEF_TYPE_SAMPLER (debrief_sampler_get_type ())
G_DECLARE_FINAL_TYPE (DebriefSampler, debrief_sampler, DEBRIEF, SAMPLER, GObject)

/* @samples_path: where to append (normally DIR/samples.jsonl); NULL keeps nothing. */
DebriefSampler *debrief_sampler_new            (DebriefClient     *client,
                                                const char        *samples_path);
void            debrief_sampler_set_prompts    (DebriefSampler    *self,
                                                const char *const *prompts);
guint           debrief_sampler_get_n_prompts  (DebriefSampler    *self);
const char     *debrief_sampler_get_prompt     (DebriefSampler    *self,
                                                guint              index);
/* @baseline NULL or "": sample the fine-tuned model only. */
void            debrief_sampler_set_models     (DebriefSampler    *self,
                                                const char        *fine_tuned,
                                                const char        *baseline);
void            debrief_sampler_set_params     (DebriefSampler    *self,
                                                DebriefApiKind     api,
                                                double             temperature,
                                                gint64             max_tokens);

/* Samples every prompt × role. Finishes when all are done; the result is the
 * number that succeeded. Errors: G_IO_ERROR_CANCELLED (nothing kept),
 * DEBRIEF_ERROR_CANCELLED_PARTIAL (cancelled, some kept), or the first
 * request's error when every request failed. A partial failure is not an
 * error: look at each item's state. */
void            debrief_sampler_run_async      (DebriefSampler    *self,
                                                GCancellable      *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer           user_data);
gssize          debrief_sampler_run_finish     (DebriefSampler    *self,
                                                GAsyncResult      *result,
                                                GError           **error);

/* Samples one prompt × role again (also while a run is going on). */
void            debrief_sampler_rerun_async    (DebriefSampler    *self,
                                                guint              prompt,
                                                DebriefSampleRole  role,
                                                GCancellable      *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer           user_data);
gboolean        debrief_sampler_rerun_finish   (DebriefSampler    *self,
                                                GAsyncResult      *result,
                                                GError           **error);
/* Cancels one item (queued or streaming). */
void            debrief_sampler_cancel_item    (DebriefSampler    *self,
                                                guint              prompt,
                                                DebriefSampleRole  role);

DebriefSampleState   debrief_sampler_get_state   (DebriefSampler *self,
                                                  guint           prompt,
                                                  DebriefSampleRole role);
/* The text so far (streaming, or what was kept of a failed/cancelled one). */
const char          *debrief_sampler_get_text    (DebriefSampler *self,
                                                  guint           prompt,
                                                  DebriefSampleRole role);
/* The finished sample, NULL unless DONE. */
const DebriefSample *debrief_sampler_get_sample  (DebriefSampler *self,
                                                  guint           prompt,
                                                  DebriefSampleRole role);
/* Why it failed, NULL unless FAILED. */
const char          *debrief_sampler_get_error   (DebriefSampler *self,
                                                  guint           prompt,
                                                  DebriefSampleRole role);

G_END_DECLS
