/* debrief-sampler.h: samples fine-tuned checkpoints and the baseline side by side
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Columns are who answers: the base model and any number of checkpoints
 * (best, last, ...), each a model name on the endpoint (and, for a server
 * that needs it, extra request fields). For each prompt, one request per
 * column, all through one DebriefClient (which bounds the concurrency).
 * Text streams out through the "delta" signal; each finished completion is
 * appended to samples.jsonl in the run folder at once, saying which
 * checkpoint answered. Signals are emitted on the thread-default main
 * context of the caller.
 *
 * debrief_sampler_set_models (fine-tuned, baseline) is the two-column case:
 * column 0 is the fine-tuned model and column 1 the baseline, so a column
 * index there equals the DebriefSampleRole.
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

struct _DebriefSampleColumn
{
  DebriefSampleRole role;
  const char *model;           /* NULL or "": the column is not sampled */
  const char *checkpoint;      /* which checkpoint this is (written to samples.jsonl); NULL none */
  gint64 step;                 /* its step, -1 unknown */
  const char *request_extra;   /* JSON object added to each request (DebriefCompletionRequest.extra_json) */
};

/* Any number of columns (at most one baseline makes sense for the judge).
 * Replaces the models and resets every item, like set_prompts. */
void            debrief_sampler_set_columns    (DebriefSampler    *self,
                                                const DebriefSampleColumn *columns,
                                                guint              n_columns);
guint           debrief_sampler_get_n_columns  (DebriefSampler    *self);
/* The column's settings (strings owned by the sampler). */
const DebriefSampleColumn *debrief_sampler_get_column (DebriefSampler *self,
                                                       guint           column);

/* Each prompt is sampled @n times (for a judge over several samples per
 * prompt); the items are the prompts repeated, prompt-major: item prompt
 * index p holds prompt p / n, sample p % n. Resets the items. */
void            debrief_sampler_set_samples_per_prompt (DebriefSampler *self,
                                                        guint           n);
guint           debrief_sampler_get_samples_per_prompt (DebriefSampler *self);
/* Which sample of its prompt the item row @index is (0 … n-1). */
guint           debrief_sampler_get_sample_index (DebriefSampler *self,
                                                  guint           index);

/* Samples that already completed (e.g. from samples.jsonl): the next run
 * keeps a matching one (same prompt, sample index, role, checkpoint, model,
 * temperature and max_tokens) instead of asking again, so a cancelled or
 * failed comparison resumes where it stopped. NULL forgets them. */
void            debrief_sampler_set_existing   (DebriefSampler    *self,
                                                GPtrArray         *samples);
/* How many items the last run took from the existing samples. */
guint           debrief_sampler_get_n_reused   (DebriefSampler    *self);
void            debrief_sampler_set_params     (DebriefSampler    *self,
                                                DebriefApiKind     api,
                                                double             temperature,
                                                gint64             max_tokens);
/* The "seed" of each request (< 0: none, the default): with it, and at
 * temperature 0, a server that honours it answers the same way every time. */
void            debrief_sampler_set_seed       (DebriefSampler    *self,
                                                gint64             seed);

/* Samples every prompt × column. Finishes when all are done; the result is the
 * number that succeeded (kept existing samples included). Errors: G_IO_ERROR_CANCELLED (nothing kept),
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

/* Samples one prompt × column again (also while a run is going on). */
void            debrief_sampler_rerun_async    (DebriefSampler    *self,
                                                guint              prompt,
                                                guint              column,
                                                GCancellable      *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer           user_data);
gboolean        debrief_sampler_rerun_finish   (DebriefSampler    *self,
                                                GAsyncResult      *result,
                                                GError           **error);
/* Cancels one item (queued or streaming). */
void            debrief_sampler_cancel_item    (DebriefSampler    *self,
                                                guint              prompt,
                                                guint              column);

DebriefSampleState   debrief_sampler_get_state   (DebriefSampler *self,
                                                  guint           prompt,
                                                  guint           column);
/* The text so far (streaming, or what was kept of a failed/cancelled one). */
const char          *debrief_sampler_get_text    (DebriefSampler *self,
                                                  guint           prompt,
                                                  guint           column);
/* The finished sample, NULL unless DONE. */
const DebriefSample *debrief_sampler_get_sample  (DebriefSampler *self,
                                                  guint           prompt,
                                                  guint           column);
/* Why it failed, NULL unless FAILED. */
const char          *debrief_sampler_get_error   (DebriefSampler *self,
                                                  guint           prompt,
                                                  guint           column);

G_END_DECLS
